package dev.postern.cli.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits Dockerfile arguments into words the way Docker's own word splitting for ENV, ARG, FROM, USER and
 * EXPOSE does: blanks separate words, "double" and 'single' quotes group (and are removed), and the escape
 * character ({@code \} or the {@code # escape=} directive's) takes the next character literally.
 */
final class ShellWords {
    /** A word without its quotes, and the offset of its first character in the text it came from. */
    record Word(String text, int offset) {
    }

    private ShellWords() {
    }

    static List<Word> split(String text, char escape) {
        List<Word> words = new ArrayList<>();
        StringBuilder word = null;
        int start = 0;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (word == null) {
                if (Character.isWhitespace(c)) {
                    continue;
                }
                word = new StringBuilder();
                start = i;
            }
            if (quote == 0 && Character.isWhitespace(c)) {
                words.add(new Word(word.toString(), start));
                word = null;
            } else if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
            } else if (c == quote) {
                quote = 0;
            } else if (c == escape && quote != '\'' && i + 1 < text.length()) {
                word.append(text.charAt(++i));
            } else {
                word.append(c);
            }
        }
        if (word != null) {
            words.add(new Word(word.toString(), start));
        }
        return words;
    }
}
