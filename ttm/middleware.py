"""Response headers Django and django-csp do not set themselves."""

# Browser features ttm never uses, switched off for every page and anything it might embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
)


def permissions_policy(get_response):
    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    return middleware


def no_store_by_default(get_response):
    """Pages are never kept by browsers or proxies unless a view says otherwise.

    Results, people and links live on nearly every page (a shared computer's back button or a
    proxy cache must not show them); static files are answered by whitenoise before this runs.
    """

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Cache-Control", "no-store, private")
        return response

    return middleware
