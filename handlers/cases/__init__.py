"""The life of a case in both streams: statuses, filing, tracking codes, notices to
officers, deadline reminders, retention, and cases recorded or imported by hand. Used by the
citizen and staff sides alike; imports neither.
"""
