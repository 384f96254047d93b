"""Django admin registrations for policies and agreements."""

from django.contrib import admin

from .models import Agreement, Application, Budget, Clause, Commitment, Policy, RuleTest

admin.site.register(Policy)
admin.site.register(Budget)
admin.site.register(Clause)
admin.site.register(RuleTest)
admin.site.register(Application)
admin.site.register(Agreement)
admin.site.register(Commitment)
