package dev.postern.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * picocli's help, with descriptions wrapped at spaces only. Why: picocli breaks lines where the JDK's line
 * BreakIterator allows, which includes after ':' and '/' inside a word, so a description column split
 * "jdbc:postgresql://127.0.0.1:5432/..." after "127.0.0.1:". Here a line breaks at the last space that fits; text
 * without such a space is left to picocli.
 */
final class WordWrappingHelp extends Help {
    WordWrappingHelp(CommandSpec spec, ColorScheme scheme) {
        super(spec, scheme);
    }

    /** The factory to hand to {@code CommandLine.setHelpFactory}. */
    static WordWrappingHelp create(CommandSpec spec, ColorScheme scheme) {
        return new WordWrappingHelp(spec, scheme);
    }

    @Override
    public String description(Object... params) {
        int width = commandSpec().usageMessage().width();
        StringBuilder out = new StringBuilder();
        for (String line : commandSpec().usageMessage().description()) {
            // picocli formats description lines (%n is a line break)
            for (String part : String.format(line, params).split("\\R", -1)) {
                for (String wrapped : wrap(part, width)) {
                    out.append(wrapped).append(System.lineSeparator());
                }
            }
        }
        return out.toString();
    }

    @Override
    public Layout createDefaultLayout(List<OptionSpec> options, List<PositionalParamSpec> positionals,
                                      ColorScheme scheme) {
        Layout layout = super.createDefaultLayout(options, positionals, scheme);
        return new Layout(scheme, new Table(scheme, layout.textTable()), layout.optionRenderer(),
                layout.parameterRenderer());
    }

    @Override
    public TextTable createTextTable(Map<?, ?> map) {
        TextTable table = super.createTextTable(map);
        return table.rowCount() == 0 ? new Table(colorScheme(), table) : table;
    }

    /** {@code text} in lines of at most {@code width}, broken at spaces; a longer word keeps a line of its own. */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        String rest = text;
        while (rest.length() > width) {
            int cut = rest.lastIndexOf(' ', width);
            if (cut <= 0) {
                cut = rest.indexOf(' ');
                if (cut < 0) {
                    break;
                }
            }
            lines.add(rest.substring(0, cut));
            rest = rest.substring(cut + 1);
        }
        lines.add(rest);
        return lines;
    }

    /** A text table whose last column breaks at spaces, indenting continuation lines as picocli does. */
    static final class Table extends TextTable {
        private final ColorScheme scheme;

        Table(ColorScheme scheme, TextTable like) {
            super(scheme, like.columns());
            this.scheme = scheme;
            indentWrappedLines = like.indentWrappedLines;
        }

        @Override
        public Cell putValue(int row, int col, Ansi.Text value) {
            Column column = columns()[col];
            int room = column.width - column.indent - indentWrappedLines;
            String plain = value.plainString();
            if (col != columns().length - 1 || column.overflow != Column.Overflow.WRAP || plain.contains("\n")
                    || plain.length() <= column.width - column.indent) {
                return super.putValue(row, col, value);
            }
            int cut = plain.lastIndexOf(' ', column.width - column.indent);
            if (cut <= 0) {
                return super.putValue(row, col, value);
            }
            super.putValue(row, col, value.substring(0, cut));
            addEmptyRow();
            Ansi.Text indent = scheme.ansi().new Text(" ".repeat(indentWrappedLines), scheme);
            return putContinuation(rowCount() - 1, col, indent, value.substring(cut + 1), room);
        }

        private Cell putContinuation(int row, int col, Ansi.Text indent, Ansi.Text rest, int room) {
            String plain = rest.plainString();
            int cut = plain.length() <= room ? -1 : plain.lastIndexOf(' ', room);
            if (cut <= 0) {
                return super.putValue(row, col, indent.concat(rest));
            }
            super.putValue(row, col, indent.concat(rest.substring(0, cut)));
            addEmptyRow();
            return putContinuation(rowCount() - 1, col, indent, rest.substring(cut + 1), room);
        }
    }
}
