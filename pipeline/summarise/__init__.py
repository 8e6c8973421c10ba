"""summarise"""
