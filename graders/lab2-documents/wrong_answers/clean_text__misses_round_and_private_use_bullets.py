# wrong because: step 1 lists five bullets (\x7f, •, ▪, ● and \uf0b7); this only turns \x7f, • and ▪ into "- ", leaving ● and the Symbol-font bullet \uf0b7.
# counterexample: clean_text("\uf0b7 first point\n● second point") must be "- first point\n- second point"; this returns "\uf0b7 first point\n● second point".
def clean_text(text):
    """PDF-extracted text with bullets, broken lines and stray whitespace repaired."""
    text = re.sub(r"(?m)^[^\S\n]*[\x7f•▪][^\S\n]*", "- ", text)
    text = re.sub(r"-\n(?=[a-z])", "", text)
    text = re.sub(r"[^\S\n]*\n+[^\S\n]*(?=[a-z])", " ", text)
    text = re.sub(r"[^\S\n]+", " ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
