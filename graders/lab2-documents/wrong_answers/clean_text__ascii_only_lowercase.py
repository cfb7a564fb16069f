# wrong because: step 3 joins a line break followed by a lowercase letter; [a-z] only knows ASCII, so a sentence continuing with "ü", "ä", "é" ... (German claim texts) is not joined.
# counterexample: clean_text("Wasser in der Küche,\nüber Nacht") must be "Wasser in der Küche, über Nacht"; this returns "Wasser in der Küche,\nüber Nacht".
def clean_text(text):
    """PDF-extracted text with bullets, broken lines and stray whitespace repaired."""
    text = re.sub(r"(?m)^[^\S\n]*[\x7f•▪●\uf0b7][^\S\n]*", "- ", text)
    text = re.sub(r"[^\S\n]+", " ", text)
    text = re.sub(r"(?m)^ | $", "", text)
    text = re.sub(r"-\n(?=[a-z])", "", text)
    text = re.sub(r"\n+(?=[a-z])", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
