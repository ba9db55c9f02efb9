"""What a citizen does: file a complaint, file a tip, look a code up, answer the
organisation, ask for their data to be erased. Flows and their steps; may import the core of
`handlers`, `handlers.cases` and `handlers.staff.case_actions`.
"""
