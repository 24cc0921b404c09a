"""Exports: PNG/SVG/PDF snapshots, the standalone HTML map, CSV/GeoJSON and the export
command line. Never imports the UI.
"""
