"""Forms for tenders: the commissioner's evaluation method and the bidder's bid.

Split by subject; import from the module (``from tenders.forms.method import WeightsForm``).
"""
