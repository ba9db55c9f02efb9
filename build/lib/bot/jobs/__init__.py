"""Work done in the background of `complaintbot serve`: the scheduler, its periodic jobs
and the outbox sender. Jobs are functions of `(session, now)` in `handlers`; this package only
runs them, once per period, in one worker. Imports no other room of `bot`.
"""
