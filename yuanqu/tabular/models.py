"""Import batches (one uploaded file, its mapping, preview and outcome) and saved column mappings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yuanqu.core.models import TimeStamped
from yuanqu.core.roles import EDIT_PARK, EDIT_REGION
from yuanqu.core.scoping import Scope, ScopedQuerySet


class ImportBatchQuerySet(ScopedQuerySet["ImportBatch"]):
    """Batches a user may see: district staff those of their region; a park operator its own.

    Each may map, preview and commit only the batches it uploaded itself.
    """

    # Leaders do not import, so only district staff (EDIT_REGION) see the region's batches.
    scope = Scope(region="region_code", region_roles=EDIT_REGION, owner="created_by", edit=EDIT_PARK,
                  edit_own=True)


class ImportBatch(TimeStamped):
    """One uploaded spreadsheet on its way in: the file, the chosen sheet and mapping, the row report.

    Uploaded → previewed (every row validated, nothing written) → committed (all valid rows written in
    one transaction, one audit event) or failed. The file is kept so the batch can be previewed again
    with another mapping, and looked at later.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Checking rows")
        PREVIEWED = "previewed", _("Checked")
        COMMITTING = "committing", _("Importing")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Failed")
        REVERTED = "reverted", _("Reverted")

    entity = models.CharField(_("data"), max_length=40)
    filename = models.CharField(_("file"), max_length=255)
    fmt = models.CharField(_("format"), max_length=8)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    content = models.BinaryField(editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("user"))
    region_code = models.CharField(max_length=12, db_index=True)
    default_park = models.ForeignKey("parks.Park", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("park"))
    sheets = models.JSONField(default=list, blank=True)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    header_rows = models.JSONField(default=list, blank=True)
    columns = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    mapping_source = models.CharField(max_length=10, blank=True)
    signature = models.CharField(max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    report = models.JSONField(default=list, blank=True)
    skipped = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    #: What the commit wrote, for a revert: ``{"created": [[model label, [pk, …]], …] in the order written,
    #: "updated": {model label: {pk: [before, after]}}}`` (the stored values of the fields it changed).
    written = models.JSONField(default=dict, blank=True, editable=False)
    reverted_at = models.DateTimeField(_("reverted at"), null=True, blank=True)
    reverted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reverted by"))

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.entity})"

    @property
    def percent(self) -> int:
        """Progress of the running step, 0–100."""
        if not self.progress_total:
            return 0 if self.status in (self.Status.UPLOADED, self.Status.VALIDATING) else 100
        return min(100, int(100 * self.progress_done / self.progress_total))

    @property
    def running(self) -> bool:
        return self.status in (self.Status.VALIDATING, self.Status.COMMITTING)

    @classmethod
    def park_model(cls) -> type[models.Model]:
        """The park model (of the parks app, a floor above tabular), as the default park's foreign key names it."""
        return cls._meta.get_field("default_park").related_model  # type: ignore[return-value]


class SavedMapping(TimeStamped):
    """The column mapping a user confirmed for a header, reused for the next file with the same header."""

    entity = models.CharField(max_length=40)
    signature = models.CharField(max_length=40)
    region_code = models.CharField(max_length=12)
    mapping = models.JSONField(default=dict)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")

    class Meta:
        verbose_name = _("saved column mapping")
        verbose_name_plural = _("saved column mappings")
        constraints = [models.UniqueConstraint(fields=["entity", "signature", "region_code"],
                                               name="saved_mapping_unique_header")]

    def __str__(self) -> str:
        return f"{self.entity} {self.signature[:8]}"
