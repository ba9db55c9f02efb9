"""What a citizen does: file a complaint or a tip, look a code up, answer the organisation,
ask for their data to be erased, or type any of it in their own words at the main menu.
Flows and their steps; may import `handlers.cases`, `handlers.understand` and `handlers.plan`.
"""
