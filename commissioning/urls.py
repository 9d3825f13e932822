"""Commissioning's pages: /projects/, /events/, /pipeline/, /contracts/, /spend/, /wards/.

Each part of the cycle keeps its patterns in its own list so that they can be
read (and changed) apart.
"""

app_name = "commissioning"

projects = []
engagement = []
pipeline = []
contracts = []
performance = []
social_value = []
supply_chain = []
decommissioning = []
spend_and_wards = []

urlpatterns = [
    *projects,
    *engagement,
    *pipeline,
    *contracts,
    *performance,
    *social_value,
    *supply_chain,
    *decommissioning,
    *spend_and_wards,
]
