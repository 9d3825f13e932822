"""Views for tenders: the commissioner's method and bid box, and the bidder's bid."""
