"""Django admin registrations for industry chains."""

from django.contrib import admin

from .models import Chain, ChainLink, ChainMember, ChainNode, ChainTarget, ChainTask

admin.site.register(Chain)
admin.site.register(ChainMember)
admin.site.register(ChainNode)
admin.site.register(ChainLink)
admin.site.register(ChainTarget)
admin.site.register(ChainTask)
