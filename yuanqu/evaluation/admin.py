"""Django admin registrations for 亩均效益评价."""

from django.contrib import admin

from .models import Appeal, Evaluation, EvaluationInput, Method, Result

admin.site.register(Method)
admin.site.register(Evaluation)
admin.site.register(EvaluationInput)
admin.site.register(Result)
admin.site.register(Appeal)
