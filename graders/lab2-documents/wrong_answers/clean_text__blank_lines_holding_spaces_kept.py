# wrong because: step 5 keeps at most one empty line between paragraphs, but this collapses "\n\n\n" before removing the spaces on each line, so blank lines that hold spaces survive as several empty lines (and a second clean changes the text: not idempotent).
# counterexample: clean_text("Para one.\n \n \nPara two.") must be "Para one.\n\nPara two."; this returns "Para one.\n\n\nPara two.".
def clean_text(text):
    """PDF-extracted text with bullets, broken lines and stray whitespace repaired."""
    text = re.sub(r"(?m)^[^\S\n]*[\x7f•▪●\uf0b7][^\S\n]*", "- ", text)
    text = re.sub(r"-\n(?=[a-z])", "", text)
    text = re.sub(r"\n+(?=[a-z])", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    text = re.sub(r"[^\S\n]+", " ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return text.strip()
