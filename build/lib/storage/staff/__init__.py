"""The staff side's tables and repositories: accounts and invites, handling rows of both
streams, tip references, two-way messages and the tip access log.
"""
