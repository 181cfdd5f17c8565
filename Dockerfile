FROM python:3.11-slim-bookworm
# Production by default: without DJANGO_SECRET_KEY (and DJANGO_ALLOWED_HOSTS) it refuses to start.
ENV DJANGO_DEBUG=0 PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The runtime dependencies exactly as locked (make lock), each checked against its hash.
COPY requirements.lock .
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
RUN DJANGO_SECRET_KEY=collectstatic-only TTM_STATIC_ROOT=/app/staticfiles \
    python manage.py collectstatic --noinput
# Run as an unprivileged user that can write report files and nothing else.
RUN useradd --system --create-home --uid 10001 ttm && mkdir -p /data/media && chown ttm /data/media
ENV TTM_STATIC_ROOT=/app/staticfiles TTM_MEDIA_ROOT=/data/media
USER ttm
EXPOSE 8000
# The logger class masks participants' secret links in the access log (README, Logs).
CMD ["gunicorn", "ttm.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", \
     "--logger-class", "ttm.gunicorn_logging.SecretMaskingLogger"]
