"""Informant protection at rest: what keeps a tip from pointing back at its informant, the
tracking-code guess limit, photos without metadata, wiping residue, re-sealing everything
under a new key. The sealing itself is `storage.crypto`, used by every table.
"""
