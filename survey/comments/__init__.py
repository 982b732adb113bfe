"""What customers' comments say: personal data masked, topics from the bank's dictionary,
and a sentiment score, in Simplified and Traditional Chinese and English."""
