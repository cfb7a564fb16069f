def clean_text(text):
    """PDF-extracted text with bullets, broken lines and stray whitespace repaired."""
    text = re.sub(r"(?m)^[ \t]*[\x7f•▪●\uf0b7][ \t]*", "- ", text)
    text = re.sub(r"[^\S\n]+", " ", text)
    text = re.sub(r"(?m)^ | $", "", text)
    text = re.sub(r"(?<=[A-Za-z])-\n(?=[a-z])", "", text)
    text = re.sub(r"\n+(?=[a-zäöüß])", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
