"""gunicorn's logger with secret links masked in the access log (see ttm.log_filters).

Wired in with `--logger-class ttm.gunicorn_logging.SecretMaskingLogger` (Dockerfile and
docker-compose.yml), whatever `--access-log-format` says: every atom, the request line, path,
query, referer, any header or environ value, is masked before formatting.
"""

from gunicorn.glogging import Logger

from .log_filters import mask_secret_links


class SecretMaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: mask_secret_links(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }
