"""What `webserver.start()` returns; loaded only by apps that run their own event loop."""


class ServerHandle:
    """The running server, to stop or wait on.

    server = await app.start('127.0.0.1', 8081)
    ...
    server.close(); await server.wait_closed()
    """

    def __init__(self, app, listener):
        self.app = app
        self.listener = listener
        # The port actually bound (useful with port=0), when the adapter can tell.
        self.port = getattr(listener, "port", None)

    def close(self):
        self.app.shutdown()

    async def wait_closed(self):
        await self.app.wait_closed()

    async def serve_forever(self):
        """Wait until the server is shut down."""
        await self.app._stopped.wait()
