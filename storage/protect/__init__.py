"""Informant protection at rest: sealing and keyed hashes, what keeps a tip from pointing
back at its informant, the tracking-code guess limit, photos without metadata, wiping residue,
re-sealing under a new key.
"""
