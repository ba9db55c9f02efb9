"""The anti-corruption action plan as data: tables, the repository, the e-PlanNACC importer
and the sample plans transcribed from the seed documents (`sample_data/`).
"""
