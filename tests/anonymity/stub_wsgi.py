"""A WSGI app that answers 404 to everything: gunicorn's access log is under test, not Django."""


def app(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]
