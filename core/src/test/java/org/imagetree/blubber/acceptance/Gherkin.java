package org.imagetree.blubber.acceptance;

import java.util.ArrayList;
import java.util.List;

/** A small Gherkin reader for the subset the Blubber features use: tags, Background, Scenario, doc strings, tables. */
final class Gherkin {
    private Gherkin() {}

    record Step(String keyword, String text, String docString, List<List<String>> table, int line) {}

    record Scenario(String feature, String name, List<String> tags, List<Step> steps, int line) {}

    static List<Scenario> parse(String featureText) {
        List<String> lines = featureText.lines().toList();
        String feature = "";
        List<String> featureTags = new ArrayList<>();
        List<String> pendingTags = new ArrayList<>();
        List<Step> background = new ArrayList<>();
        List<Scenario> scenarios = new ArrayList<>();
        List<Step> current = null;
        String scenarioName = null;
        List<String> scenarioTags = null;
        int scenarioLine = 0;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            if (t.matches("^(Scenario Outline|Scenario Template|Examples|Scenarios|Rule|Example):.*") || t.startsWith("```")) {
                // Not read by this runner: fail rather than fold the steps into the previous scenario.
                throw new IllegalArgumentException("line " + (i + 1) + ": unsupported Gherkin construct: " + t);
            }
            if (t.startsWith("@")) {
                for (String tag : t.split("\\s+")) pendingTags.add(tag);
            } else if (t.startsWith("Feature:")) {
                feature = t.substring(8).strip();
                featureTags.addAll(pendingTags);
                pendingTags.clear();
            } else if (t.startsWith("Background:")) {
                current = background;
            } else if (t.startsWith("Scenario:")) {
                if (scenarioName != null) scenarios.add(new Scenario(feature, scenarioName, scenarioTags, current, scenarioLine));
                scenarioName = t.substring(9).strip();
                scenarioTags = new ArrayList<>(featureTags);
                scenarioTags.addAll(pendingTags);
                pendingTags.clear();
                scenarioLine = i + 1;
                current = new ArrayList<>(background);
            } else if (t.matches("^(Given|When|Then|And|But) .*")) {
                if (current == null) continue;
                int sp = t.indexOf(' ');
                String docString = null;
                List<List<String>> table = new ArrayList<>();
                int j = i + 1;
                while (j < lines.size() && lines.get(j).isBlank()) j++;
                if (j < lines.size() && lines.get(j).strip().startsWith("\"\"\"")) {
                    int indent = lines.get(j).indexOf("\"\"\"");
                    StringBuilder b = new StringBuilder();
                    j++;
                    while (!lines.get(j).strip().equals("\"\"\"")) {
                        String l = lines.get(j);
                        b.append(l.length() >= indent ? l.substring(indent) : l.strip()).append('\n');
                        j++;
                    }
                    docString = b.toString().replaceAll("\n$", "");
                    i = j;
                } else {
                    while (j < lines.size() && lines.get(j).strip().startsWith("|")) {
                        String row = lines.get(j).strip();
                        List<String> cells = new ArrayList<>();
                        for (String cell : row.substring(1, row.length() - 1).split("\\|", -1)) cells.add(cell.strip());
                        table.add(cells);
                        j++;
                    }
                    if (!table.isEmpty()) i = j - 1;
                }
                current.add(new Step(t.substring(0, sp), t.substring(sp + 1), docString, table, i + 1));
            }
            // other lines: free-form description
        }
        if (scenarioName != null) scenarios.add(new Scenario(feature, scenarioName, scenarioTags, current, scenarioLine));
        return scenarios;
    }
}
