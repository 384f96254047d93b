"""Seed the incubation thresholds with the values of 《科技企业孵化器管理办法》(国科发区〔2018〕300号).

第八条 (recognition of a national incubator), 第九条 (conditions of an incubatee and of its graduation). District
staff may change the values later (they are data); this migration only writes the rules that are missing.
"""

from decimal import Decimal

from django.db import migrations

BASIS = "《科技企业孵化器管理办法》（国科发区〔2018〕300号）"
ROWS = [
    ("admit_max_age_months", "", "24", "第九条：申请进入孵化器的企业，成立时间一般不超过24个月"),
    ("admit_max_area_m2", "", "1000", "第九条：单一在孵企业使用的孵化场地面积一般不大于1000平方米"),
    ("admit_max_area_m2", "aerospace", "3000", "第九条：从事航空航天等特殊领域的企业一般不大于3000平方米"),
    ("admit_max_area_m2", "agriculture", "3000", "第九条：从事现代农业等特殊领域的企业一般不大于3000平方米"),
    ("max_incubation_months", "", "48", "第九条：孵化时限一般不超过48个月"),
    ("max_incubation_months", "biomedicine", "60", "第九条：从事生物医药的企业孵化时限不超过60个月"),
    ("max_incubation_months", "agriculture", "60", "第九条：从事现代农业的企业孵化时限不超过60个月"),
    ("max_incubation_months", "circuits", "60", "第九条：从事集成电路的企业孵化时限不超过60个月"),
    ("grad_financing_wan", "", "500", "第九条 毕业条件：累计获得天使投资或风险投资超过500万元"),
    ("grad_revenue_2y_wan", "", "1000", "第九条 毕业条件：连续2年营业收入累计超过1000万元"),
    ("rec_min_area_m2", "", "10000", "第八条：可自主支配的孵化场地面积不低于10000平方米"),
    ("rec_min_area_m2", "specialised", "5000", "第八条：专业孵化器孵化场地面积不低于5000平方米"),
    ("rec_min_area_used_pct", "", "75", "第八条：在孵企业使用面积（含公共服务面积）占75%以上"),
    ("rec_min_fund_wan", "", "500", "第八条：自有种子资金或合作的孵化资金规模不低于500万元"),
    ("rec_min_financed_pct", "", "10", "第八条：获得投融资的在孵企业占比不低于10%"),
    ("rec_staff_per_10", "", "1", "第八条：每10家在孵企业至少配备1名专业孵化服务人员"),
    ("rec_mentors_per_10", "", "1", "第八条：每10家在孵企业至少配备1名创业导师"),
    ("rec_patent_applied_pct", "", "50", "第八条：已申请专利的企业占在孵企业总数比例不低于50%"),
    ("rec_valid_ip_pct", "", "30", "第八条：或拥有有效知识产权的企业占比不低于30%"),
    ("rec_min_incubatees", "", "50", "第八条：在孵企业不少于50家"),
    ("rec_min_incubatees", "specialised", "30", "第八条：专业孵化器在孵企业不少于30家"),
    ("rec_min_per_1000m2", "", "3", "第八条：每千平方米平均在孵企业不少于3家"),
    ("rec_min_graduated", "", "20", "第八条：累计毕业企业应达到20家以上"),
    ("rec_min_graduated", "specialised", "15", "第八条：专业孵化器累计毕业企业应达到15家以上"),
]


def seed(apps, schema_editor):
    Threshold = apps.get_model("innovation", "Threshold")
    for rule, variant, value, article in ROWS:
        Threshold.objects.get_or_create(rule=rule, variant=variant,
                                        defaults={"value": Decimal(value), "basis": f"{BASIS}{article}"})


class Migration(migrations.Migration):
    dependencies = [("innovation", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
