"""Django admin registrations for parks and their space."""

from django.contrib import admin

from .models import Building, Park, Unit


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "kind", "status", "key_level")
    search_fields = ("name", "name_pinyin", "name_initials")
    list_filter = ("kind", "status", "key_level")


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ("name", "park", "floors_above", "height_m")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("number", "building", "floor", "area_m2", "status")
    list_filter = ("status",)
