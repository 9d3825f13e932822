from organisations.models import Ward


def wards_represented_by(user):
    """The wards of the councillor linked to ``user``, by name (empty if none)."""
    return list(Ward.objects.filter(councillors__user=user).order_by("name"))
