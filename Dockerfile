FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml .
RUN python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml","rb"))["project"]["dependencies"]))' > requirements.txt \
 && pip install --no-cache-dir -r requirements.txt
COPY . .
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=collectstatic-only TTM_STATIC_ROOT=/app/staticfiles \
    python manage.py collectstatic --noinput
ENV TTM_STATIC_ROOT=/app/staticfiles TTM_MEDIA_ROOT=/data/media
EXPOSE 8000
# The logger class masks participants' secret links in the access log (README, Logs).
CMD ["gunicorn", "ttm.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", \
     "--logger-class", "ttm.gunicorn_logging.SecretMaskingLogger"]
