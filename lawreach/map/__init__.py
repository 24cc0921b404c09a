"""The map: pydeck layers, display columns, views and colours. Never imports the UI.
"""
