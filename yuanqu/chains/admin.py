"""Django admin registrations for industry chains and the four chains."""

from django.contrib import admin

from .models import (
    Chain,
    ChainLink,
    ChainMember,
    ChainNode,
    ChainTarget,
    ChainTask,
    EcoProvider,
    FinancingEvent,
    Fund,
    InnovationPlatform,
    PatentYear,
    TalentAward,
    TalentHeadcount,
)

for model in (Chain, ChainMember, ChainNode, ChainLink, ChainTarget, ChainTask, InnovationPlatform, TalentHeadcount,
              TalentAward, PatentYear, EcoProvider, Fund, FinancingEvent):
    admin.site.register(model)
