"""An app written for upstream TinyWeb (belyalov/tinyweb 1.3), to be run unchanged.

Upstream calls REST methods without the request headers, and the one path parameter by
position: get(self, data), get(self, data, user_id), users(data). docs/porting.md shows how
to run such an app on tinyweb; tests/test_porting.py runs this one that way.
"""

import tinyweb

sensors = {"1": {"name": "porch", "celsius": 21}, "2": {"name": "attic", "celsius": 28}}


class SensorList:
    def get(self, data):
        return sensors

    def post(self, data):
        key = str(len(sensors) + 1)
        sensors[key] = data
        return {"message": "created", "id": key}, 201


class Sensor:
    def get(self, data, sensor_id, unit):
        if sensor_id not in sensors:
            return {"message": "no such sensor"}, 404
        return sensors[sensor_id]

    def delete(self, data, sensor_id, unit):
        sensors.pop(sensor_id, None)
        return {"message": "deleted", "unit": unit}


app = tinyweb.webserver()
app.add_resource(SensorList, "/sensors")
app.add_resource(Sensor, "/sensors/<sensor_id>", unit="celsius")


@app.resource("/ping")
def ping(data):
    return {"pong": data.get("n", "")}


@app.resource("/log/<topic>", method="POST")
def log(data, topic):
    yield "{"
    yield '"topic": "%s"' % topic
    yield "}"


def run():
    app.run(host="0.0.0.0", port=8081)
