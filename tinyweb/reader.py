"""Bounded reading of a request from a `Stream`: lines for the head, exact counts for a body.

Every line is limited to `max_line` bytes and every body to what the route allows, on every
runtime, because the core splits lines itself instead of trusting a runtime's readline.

    reader = Reader(stream, chunk_size=512, max_line=512)
    start, end = await reader.next_line()   # bounds of the line inside reader.data
"""


class LineTooLong(Exception):
    """A line grew past `max_line` bytes without its LF."""


class Reader:
    def __init__(self, stream, chunk_size, max_line):
        self.stream = stream
        self.chunk_size = chunk_size
        self.max_line = max_line
        # What has been received and not yet consumed is data[pos:]. Lines are handed out as
        # (start, end) offsets into `data`, so a header we do not keep is never copied.
        self.data = b""
        self.pos = 0

    async def _receive(self):
        more = await self.stream.read(self.chunk_size)
        if not more:
            raise EOFError
        if self.pos < len(self.data):
            self.data = self.data[self.pos :] + more
        else:
            self.data = more
        self.pos = 0

    async def next_line(self):
        """The next line as (start, end) in `self.data`, its CRLF or LF left out.

        Valid until the next call. Raises LineTooLong, or EOFError when the peer closes.
        """
        while True:
            data = self.data
            pos = self.pos
            i = data.find(b"\n", pos)
            if i >= 0:
                if i - pos > self.max_line:
                    raise LineTooLong
                self.pos = i + 1
                if i > pos and data[i - 1] == 13:  # CR
                    i -= 1
                return pos, i
            if len(data) - pos > self.max_line:
                raise LineTooLong
            await self._receive()

    def buffered(self):
        """How many received bytes wait past the head."""
        return len(self.data) - self.pos

    async def read_exactly(self, n):
        """Exactly `n` bytes (the caller has bounded `n`); EOFError if the peer stops short."""
        data = self.data
        pos = self.pos
        if len(data) - pos >= n:
            self.pos = pos + n
            return data[pos : pos + n]
        parts = [data[pos:]]
        have = len(data) - pos
        self.data = b""
        self.pos = 0
        while have < n:
            more = await self.stream.read(min(n - have, max(self.chunk_size, 512)))
            if not more:
                raise EOFError
            parts.append(more)
            have += len(more)
        return b"".join(parts)

    async def discard(self, n):
        """Read and drop up to `n` bytes (an unread body), so closing does not reset the peer."""
        take = min(n, len(self.data) - self.pos)
        self.pos += take
        n -= take
        while n > 0:
            more = await self.stream.read(min(n, self.chunk_size))
            if not more:
                return
            n -= len(more)
