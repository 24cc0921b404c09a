"""Which records: the filter state, applied to the validated frame, described as a
sentence and written to a link; search. Imports only the contract.
"""
