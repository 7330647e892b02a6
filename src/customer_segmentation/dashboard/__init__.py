"""Segment dashboard: reads the published marts (see customer_segmentation.publish)."""
