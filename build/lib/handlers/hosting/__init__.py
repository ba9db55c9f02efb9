"""Serving many organisations: the shared provincial channel's front, which asks
where a matter is, and the resolver of typed or pinned tambons to the organisation answering.
"""
