from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from workshops.urls import participant_urlpatterns, presenter_urlpatterns

from . import views
from .login_throttle import AdminLoginForm, LoginForm

admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("diagnostics/", include("hub.urls")),
    path("diagnostics/<slug:slug>/", include("results.urls")),
    path("libraries/", include("valuecodes.urls")),
    path("p/<str:token>/my-results/", include("results.individual_urls")),
    path("diagnostics/<slug:slug>/export/", include("hub.ratings_file_urls")),
    path("diagnostics/<slug:slug>/reports/", include("reports.urls")),
    path("", include("participation.urls")),
    path(
        "diagnostics/<slug:slug>/workshop/",
        include((presenter_urlpatterns, "workshop_presenter")),
    ),
    path("workshop/", include((participant_urlpatterns, "workshop"))),
    path("admin/", admin.site.urls),
]

handler500 = "ttm.views.server_error"
