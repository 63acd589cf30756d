"""Statistical disclosure control ahead of sdcMicro: reading microdata, re-identification
risk, small cells, treatments, synthetic data and the workspace a page drives. Pure
functions on tables: nothing here writes the store.
"""
