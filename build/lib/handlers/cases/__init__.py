"""The life of a case in both streams: statuses, filing, tracking codes, what staff do to a
case (shared by the chat and the command line), notices to officers, deadline reminders,
retention, and cases recorded or imported by hand. Imports only the core of `handlers`.
"""
