"""Parks, their buildings and their units (房源)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yuanqu.core.models import Archivable, TimeStamped
from yuanqu.core.roles import EDIT_PARK
from yuanqu.core.scoping import Scope, ScopedQuerySet


class ParkQuerySet(ScopedQuerySet["Park"]):
    """Parks a user may see: the region's for district roles, their own for operators; both edit them."""

    scope = Scope(region="region", park="pk", edit=EDIT_PARK)

    def search(self, q: str) -> ParkQuerySet:
        """Match the name, the full pinyin or the initials (``smyz`` finds 生命药洲)."""
        q = q.strip()
        if not q:
            return self
        key = q.lower().replace(" ", "")
        return self.filter(Q(name__icontains=q) | Q(name_pinyin__contains=key) | Q(name_initials__contains=key))


class Park(Archivable, TimeStamped):
    """A park, zone, incubator or business tower inside a region (园区)."""

    class Kind(models.TextChoices):
        INDUSTRIAL = "industrial", _("Industrial park")
        DEV_ZONE = "dev_zone", _("Development zone")
        INCUBATOR = "incubator", _("Incubator")
        MAKERSPACE = "makerspace", _("Maker space")
        OFFICE_TOWER = "office_tower", _("Business tower")
        SCIENCE_PARK = "science_park", _("Science park")
        INNOVATION_ZONE = "innovation_zone", _("Innovation zone")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        BUILDING = "building", _("Under construction")
        OPERATING = "operating", _("Operating")

    class Level(models.TextChoices):
        NONE = "", _("Not a key project")
        DISTRICT = "district", _("District key project")
        CITY = "city", _("City key project")
        PROVINCE = "province", _("Provincial key project")
        PROVINCE_CITY_DISTRICT = "province_city_district", _("Provincial, city and district key project")
        NATIONAL = "national", _("National key project")

    name = models.CharField(_("name"), max_length=100)
    name_pinyin = models.CharField(max_length=400, blank=True, editable=False, db_index=True)
    name_initials = models.CharField(max_length=100, blank=True, editable=False, db_index=True)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="parks", verbose_name=_("region"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPERATING)
    key_level = models.CharField(_("key-project level"), max_length=30, choices=Level.choices, blank=True)
    industries = models.ManyToManyField(
        "core.IndustryCode", blank=True, related_name="parks", verbose_name=_("focus industries")
    )
    operator_name = models.CharField(_("operator"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    # The validators repeat the CHECK constraints below so that a negative value is reported
    # beside its field (full_clean) rather than as an anonymous constraint error.
    land_area_mu = models.DecimalField(
        _("land area (mu)"), max_digits=12, decimal_places=2, null=True, blank=True, help_text=_("In 亩"),
        validators=[MinValueValidator(0)],
    )
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )
    total_investment_wan = models.DecimalField(
        _("total investment (10k yuan)"), max_digits=16, decimal_places=2, null=True, blank=True,
        help_text=_("In 万元"), validators=[MinValueValidator(0)],
    )
    opened_on = models.DateField(_("opening date"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = ParkQuerySet.as_manager()

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="park_unique_name_in_region",
                                    violation_error_message=_("A park with this name already exists in the region.")),
            models.CheckConstraint(condition=Q(land_area_mu__gte=0) | Q(land_area_mu__isnull=True),
                                   name="park_land_area_nonneg"),
            models.CheckConstraint(condition=Q(floor_area_m2__gte=0) | Q(floor_area_m2__isnull=True),
                                   name="park_floor_area_nonneg"),
            models.CheckConstraint(
                condition=Q(total_investment_wan__gte=0) | Q(total_investment_wan__isnull=True),
                name="park_investment_nonneg",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BuildingQuerySet(ScopedQuerySet["Building"]):
    """Buildings of the parks a user may see (and may edit)."""

    scope = Scope(via="park", edit=None)


class Building(TimeStamped):
    """A building of a park (楼宇)."""

    park = models.ForeignKey(Park, on_delete=models.CASCADE, related_name="buildings", verbose_name=_("park"))
    name = models.CharField(_("name"), max_length=60)
    floors_above = models.PositiveSmallIntegerField(_("floors above ground"), default=1)
    floors_below = models.PositiveSmallIntegerField(_("floors below ground"), default=0)
    height_m = models.DecimalField(_("height (m)"), max_digits=6, decimal_places=1, null=True, blank=True,
                                   validators=[MinValueValidator(0)])
    floor_area_m2 = models.DecimalField(_("floor area (m²)"), max_digits=12, decimal_places=2, null=True, blank=True,
                                        validators=[MinValueValidator(0)])

    objects = BuildingQuerySet.as_manager()

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["park", "name"]
        constraints = [
            models.UniqueConstraint(fields=["park", "name"], name="building_unique_name_in_park",
                                    violation_error_message=_("The park already has a building of this name.")),
            models.CheckConstraint(condition=Q(height_m__gte=0) | Q(height_m__isnull=True),
                                   name="building_height_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.park.name} {self.name}"


class UnitQuerySet(ScopedQuerySet["Unit"]):
    """Units of the parks a user may see (and may edit)."""

    scope = Scope(via="building__park", edit=None)


class Unit(TimeStamped):
    """A lettable unit of a building (房源), on one floor, with its area and status."""

    class Status(models.TextChoices):
        VACANT = "vacant", _("Vacant")
        RESERVED = "reserved", _("Reserved")
        LEASED = "leased", _("Leased")
        SOLD = "sold", _("Sold")
        UNAVAILABLE = "unavailable", _("Not for lease")

    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="units", verbose_name=_("building"))
    number = models.CharField(_("unit number"), max_length=20)
    floor = models.SmallIntegerField(_("floor"), help_text=_("Negative for basements"))
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=2,
                                  validators=[MinValueValidator(0)])
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.VACANT)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building", "floor", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="unit_unique_number_in_building",
                                    violation_error_message=_("The building already has a unit with this number.")),
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="unit_area_positive",
                                   violation_error_message=_("The area must be greater than zero.")),
        ]

    def __str__(self) -> str:
        return f"{self.building.name} {self.number}"
