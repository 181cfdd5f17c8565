from django.urls import path

from . import views

app_name = "valuecodes"

urlpatterns = [
    path("", views.library_list, name="list"),
    path("new/", views.library_create, name="create"),
    path("search/", views.search, name="search"),
    path("import/", views.import_upload, name="import_new"),
    path("import/<str:token>/", views.import_preview, name="import_preview"),
    path("<int:pk>/", views.library_detail, name="detail"),
    path("<int:pk>/edit/", views.library_edit, name="edit"),
    path("<int:pk>/duplicate/", views.library_duplicate, name="duplicate"),
    path("<int:pk>/delete/", views.library_delete, name="delete"),
    path("<int:pk>/import/", views.import_upload, name="import"),
    path("<int:pk>/export.<str:file_type>", views.library_export, name="export"),
    path("<int:pk>/sections/new/", views.section_form, name="section_create"),
    path("<int:pk>/sections/<int:section_pk>/edit/", views.section_form, name="section_edit"),
    path("<int:pk>/sections/<int:section_pk>/move/", views.section_move, name="section_move"),
    path("<int:pk>/sections/<int:section_pk>/delete/", views.section_delete, name="section_delete"),
    path("<int:pk>/value-codes/new/", views.value_code_form, name="value_code_create"),
    path(
        "<int:pk>/value-codes/<int:value_code_pk>/edit/",
        views.value_code_form,
        name="value_code_edit",
    ),
    path(
        "<int:pk>/value-codes/<int:value_code_pk>/move/",
        views.value_code_move,
        name="value_code_move",
    ),
    path(
        "<int:pk>/value-codes/<int:value_code_pk>/delete/",
        views.value_code_delete,
        name="value_code_delete",
    ),
]
