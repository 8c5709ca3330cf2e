package dev.hearth.webconsole.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void escapesEveryCharacterThatCanEndTextOrAnAttribute() {
        assertEquals("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;", Html.escape("<script>alert(\"x\")</script>"));
        assertEquals("a&amp;b &#39;q&#39;", Html.escape("a&b 'q'"));
        assertEquals("&amp;lt;", Html.escape("&lt;"), "an entity in the input is shown, not interpreted");
    }

    @Test
    void nullIsEmptyAndPlainTextIsUnchanged() {
        assertEquals("", Html.escape(null));
        assertEquals("kasa-fridge 23.5 °C ✓", Html.escape("kasa-fridge 23.5 °C ✓"));
    }
}
