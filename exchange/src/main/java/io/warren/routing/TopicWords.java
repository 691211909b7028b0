package io.warren.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits topic keys into dot-separated words the way RabbitMQ does: "" has no words at all,
 * while empty words between or around dots are kept ("a..b" is a, "", b).
 *
 * <p>An instance is a reusable buffer so routing only allocates the word strings themselves.
 */
final class TopicWords {
    static final String STAR = "*";
    static final String HASH = "#";

    private String[] words = new String[8];
    private int count;

    /** Replaces the buffer's contents with the words of key. */
    void split(String key) {
        count = 0;
        if (key.isEmpty()) {
            return;
        }
        int start = 0;
        while (true) {
            int dot = key.indexOf('.', start);
            if (dot < 0) {
                push(key.substring(start));
                return;
            }
            push(key.substring(start, dot));
            start = dot + 1;
        }
    }

    String[] words() {
        return words;
    }

    int count() {
        return count;
    }

    /**
     * The trie path of a binding key. Runs of "#" collapse into one because "#.#" matches exactly
     * what "#" matches, and a single hash keeps routing from backtracking over the same words twice.
     */
    static List<String> pattern(String bindingKey) {
        TopicWords buffer = new TopicWords();
        buffer.split(bindingKey);
        List<String> path = new ArrayList<>(buffer.count);
        for (int i = 0; i < buffer.count; i++) {
            String word = buffer.words[i];
            boolean repeatedHash = HASH.equals(word) && !path.isEmpty() && HASH.equals(path.get(path.size() - 1));
            if (!repeatedHash) {
                path.add(word);
            }
        }
        return path;
    }

    private void push(String word) {
        if (count == words.length) {
            words = Arrays.copyOf(words, count * 2);
        }
        words[count++] = word;
    }
}
