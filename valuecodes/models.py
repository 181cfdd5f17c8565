from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from ttm.levels import LEVELS

LEVEL_COLOURS = {1: "red", 2: "amber", 3: "yellow", 4: "lime", 5: "green"}
DEFAULT_LEVEL_LABELS = (
    "Barely acceptable",
    "Emerging",
    "Established",
    "Strong",
    "What good looks like",
)


def _not_blank(field):
    return Q(**{f"{field}__gt": ""})


class LevelLabels(models.Model):
    """Five level labels, shared by libraries and the diagnostics copied from them."""

    label_1 = models.CharField("level 1 label", max_length=60, default=DEFAULT_LEVEL_LABELS[0])
    label_2 = models.CharField("level 2 label", max_length=60, default=DEFAULT_LEVEL_LABELS[1])
    label_3 = models.CharField("level 3 label", max_length=60, default=DEFAULT_LEVEL_LABELS[2])
    label_4 = models.CharField("level 4 label", max_length=60, default=DEFAULT_LEVEL_LABELS[3])
    label_5 = models.CharField("level 5 label", max_length=60, default=DEFAULT_LEVEL_LABELS[4])

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=_not_blank("label_1")
                & _not_blank("label_2")
                & _not_blank("label_3")
                & _not_blank("label_4")
                & _not_blank("label_5"),
                name="%(app_label)s_%(class)s_labels_not_blank",
            )
        ]

    @property
    def level_labels(self):
        return [self.label_1, self.label_2, self.label_3, self.label_4, self.label_5]


class ValueCodeContent(models.Model):
    """What a Value Code says: identifier, description and exactly five evaluation statements.

    Statements are five columns rather than five rows so that "exactly five, levels 1..5" holds
    by construction, and a whole Value Code reads in one row.
    """

    identifier = models.CharField(max_length=80)
    description = models.TextField(help_text='"The extent to which ..."')
    help_text = models.TextField(blank=True)
    statement_1 = models.TextField("evaluation statement 1")
    statement_2 = models.TextField("evaluation statement 2")
    statement_3 = models.TextField("evaluation statement 3")
    statement_4 = models.TextField("evaluation statement 4")
    statement_5 = models.TextField("evaluation statement 5")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(identifier__regex=r"\S")
                & _not_blank("description")
                & _not_blank("statement_1")
                & _not_blank("statement_2")
                & _not_blank("statement_3")
                & _not_blank("statement_4")
                & _not_blank("statement_5"),
                name="%(app_label)s_%(class)s_content_not_blank",
            )
        ]

    def __str__(self):
        return self.identifier

    @property
    def statements(self):
        return [getattr(self, f"statement_{level}") for level in LEVELS]


class PerspectiveWordingContent(models.Model):
    """How one perspective (a party such as "Supplier") words a Value Code in its own terms.

    Every field may be blank: a blank one falls back to the Value Code's common wording. The
    figures never see it; it is the same Value Code for every party.
    """

    perspective = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    statement_1 = models.TextField("evaluation statement 1", blank=True)
    statement_2 = models.TextField("evaluation statement 2", blank=True)
    statement_3 = models.TextField("evaluation statement 3", blank=True)
    statement_4 = models.TextField("evaluation statement 4", blank=True)
    statement_5 = models.TextField("evaluation statement 5", blank=True)

    WORDING_FIELDS = ("description", *(f"statement_{level}" for level in LEVELS))

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.perspective}'s wording"

    @property
    def wording(self):
        """{field: text} of the fields this perspective words itself."""
        return {field: getattr(self, field) for field in self.WORDING_FIELDS}


def perspective_constraints(prefix):
    """One wording per perspective (names compared ignoring case) and never an empty name."""
    return [
        models.UniqueConstraint(
            "value_code", Lower("perspective"), name=f"{prefix}_one_wording_per_perspective"
        ),
        models.CheckConstraint(condition=Q(perspective__regex=r"\S"), name=f"{prefix}_named"),
    ]


class Library(LevelLabels):
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    # Who may edit and delete it (ttm/access.py). Nobody: a shared library, such as the starter
    # library or one loaded from the command line, that facilitators read and duplicate only.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_libraries",
        help_text="Only the owner (and superusers) may edit or delete it. Empty: shared, "
        "read-only.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(LevelLabels.Meta):
        ordering = ["name"]
        verbose_name_plural = "libraries"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("valuecodes:detail", args=[self.pk])


class Section(models.Model):
    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["library", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["library", "name"], name="section_unique_name"),
            models.CheckConstraint(condition=Q(name__regex=r"\S"), name="section_name_not_blank"),
        ]

    def __str__(self):
        return self.name


class ValueCode(ValueCodeContent):
    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="value_codes")
    section = models.ForeignKey(Section, on_delete=models.RESTRICT, related_name="value_codes")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(ValueCodeContent.Meta):
        ordering = ["section__position", "section_id", "position", "id"]
        constraints = [
            *ValueCodeContent.Meta.constraints,
            models.UniqueConstraint(
                fields=["library", "identifier"], name="valuecode_unique_identifier_per_library"
            ),
        ]


class PerspectiveWording(PerspectiveWordingContent):
    """The table's optional `Description (P)` and `Evaluation Statement N (P)` columns."""

    value_code = models.ForeignKey(ValueCode, on_delete=models.CASCADE, related_name="wordings")

    class Meta(PerspectiveWordingContent.Meta):
        ordering = ["value_code", Lower("perspective")]
        constraints = perspective_constraints("library_wording")
