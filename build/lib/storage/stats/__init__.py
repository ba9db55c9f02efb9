"""The content-free statistics record and the figures computed from it: events written in
the transaction that changes a case, reporting periods as staff type them, plain numbers out.
"""
