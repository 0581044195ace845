import { describe, expect, it } from 'vitest';
import { nearMissReason } from '../../main/cache/near-miss.js';

describe('near-miss guard', () => {
  it.each([
    ['What is the capital of Australia?', 'What is the capital of Austria?', 'entity'],
    ['What is 17 times 23?', 'What is 17 times 24?', 'number'],
    ['How do I install numpy with pip?', 'How do I uninstall numpy with pip?', 'contrast:antonym'],
    ['How do I read a file in Python?', 'How do I write a file in Python?', 'contrast:antonym'],
    ['How do I add an item to a list?', 'How do I remove an item from a list?', 'contrast:antonym'],
    ['How do I enable SSH?', 'How do I disable SSH?', 'contrast:antonym'],
    ['How do I reverse a list in Python?', 'How do I reverse a list in JavaScript?', 'contrast:programming-language'],
    ['Translate hello into French.', 'Translate hello into Spanish.', 'contrast:human-language'],
    ['How do I clear the DNS cache on Windows?', 'How do I clear the DNS cache on macOS?', 'contrast:os'],
    ['Which sorting algorithm is stable?', 'Which sorting algorithm is not stable?', 'negation'],
    ['How many days are in a leap year?', 'How many days are in a non-leap year?', 'negation'],
    ['How do I sort a dictionary by value?', 'How do I sort a dictionary by key?', expect.any(String)],
    ['How do I delete a local git branch?', 'How do I delete a remote git branch?', expect.any(String)],
    ['How do I convert a dict to JSON?', 'How do I convert JSON to a dict?', 'direction'],
    ['Convert Celsius to Fahrenheit.', 'Convert Fahrenheit to Celsius.', expect.any(String)],
    // Reworded near misses (issue 22): the wording changes as well as the one word that matters.
    ['How do I get the current timestamp in Python?', 'python current date', 'substitution'],
    ['How do I make a string lowercase in Python?', 'python check if a string is lowercase', 'substitution'],
    ['How do I install a package globally with npm?', 'yarn install a package globally', 'contrast:tool'],
    ['How do I define a model in Django?', 'Flask: how to create a model class', 'contrast:framework'],
    ['How do I center a div horizontally with CSS?', 'css center a div vertically', 'contrast:antonym'],
    ['How do I find the minimum value in a Python list?', 'python get the max value of a list', 'contrast:antonym'],
    ['How do I base64 encode a string in JavaScript?', 'How can I decode a base64 string in JavaScript?', 'contrast:antonym'],
    ['How do I create an index on a column in MySQL?', 'mysql remove index from column', 'contrast:antonym'],
    ['How do I convert a list to a set in Python?', 'python turn a set into a list', 'direction'],
    ['How do I convert a PDF to Word?', 'word to pdf conversion', 'direction'],
    ['How do I convert 5 miles to kilometers?', '5 km in miles', 'direction'],
    ['How many megabytes are in a gigabyte?', 'how many GB in a TB', 'contrast:unit'],
    ['How much RAM do I need to run a 7B model?', 'How much VRAM do I need to run a 7B model?', 'contrast:unit'],
    ['How do I start a Docker container with a volume?', 'How do I start a Docker container without a volume?', 'negation'],
    ['How do I upgrade from Python 3.11 to 3.12?', 'How do I upgrade from Python 3.10 to 3.11?', 'number'],
    ['How do I list all running processes on Linux?', 'show running services linux', 'substitution'],
    ['How do I add a new line in a Markdown table cell?', 'How do I add a new column in a Markdown table?', 'substitution'],
  ])('rejects %s / %s', (a, b, reason) => {
    expect(nearMissReason(a, b)).toEqual(reason);
    expect(nearMissReason(b, a)).not.toBeNull();
  });

  it.each([
    ['How do I reverse a list in Python?', 'What is the way to reverse a Python list?'],
    ['How do I remove an element from a JavaScript array?', 'How do I delete an element from a JavaScript array?'],
    ['How do I check disk usage on Linux?', 'How do I check disk usage in Linux?'],
    ['Python: how do I read a file line by line?', 'How can I read a file line by line in Python?'],
    ['how do i install docker on ubuntu', 'How do I install Docker on Ubuntu?'],
    ['What is a closure in JavaScript?', 'Can you explain closures in JavaScript?'],
    // Terse user-style rewordings: aliases (js, postgres, k8s), spelled-out numbers, "turn on" for "enable".
    ['How do I reverse a string in JavaScript?', 'js reverse string'],
    ["What's the default port for PostgreSQL?", 'which port does postgres use by default'],
    ['How do I select the first 10 rows in SQL?', 'sql get first ten rows'],
    ['How can I turn on dark mode in VS Code?', 'How do I enable dark mode in VS Code?'],
    ['Why is my React component rendering twice?', 'Why does my React component render two times?'],
    ['How do I undo my last commit but keep the changes?', 'git undo last commit keep changes'],
  ])('lets paraphrases through: %s / %s', (a, b) => {
    expect(nearMissReason(a, b)).toBeNull();
  });
});
