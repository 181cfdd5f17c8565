from django.urls import path

from results.views import dashboard as results

app_name = "results"

urlpatterns = [
    path("analysis.json", results.analysis_json, name="json"),
    path("analysis.csv", results.analysis_csv, name="csv"),
    path("dashboard/", results.dashboard, name="dashboard"),
    path("understanding/", results.understanding, name="understanding"),
    path("board/", results.board, name="board"),
    path(
        "rounds/<int:number>/agreed-targets/<int:value_code_id>/",
        results.agreed_target,
        name="agreed_target",
    ),
]
