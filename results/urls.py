from django.urls import path

from results.views import action_plan
from results.views import dashboard as results

app_name = "results"

urlpatterns = [
    path("analysis.json", results.analysis_json, name="json"),
    path("analysis.csv", results.analysis_csv, name="csv"),
    path("dashboard/", results.dashboard, name="dashboard"),
    path("understanding/", results.understanding, name="understanding"),
    path("board/", results.board, name="board"),
    path(
        "dashboard/<int:value_code_id>/",
        results.value_code_details,
        name="value_code_details",
    ),
    path(
        "rounds/<int:number>/agreed-targets/<int:value_code_id>/",
        results.agreed_target,
        name="agreed_target",
    ),
    path(
        "rounds/<int:number>/agreed-targets/<int:value_code_id>/trade-offs/",
        results.trade_off_links,
        name="trade_off_links",
    ),
    path("action-plan/", action_plan.page, name="action_plan"),
    path("action-plan.csv", action_plan.csv_file, name="action_plan_csv"),
    path("action-plan.xlsx", action_plan.xlsx_file, name="action_plan_xlsx"),
]
