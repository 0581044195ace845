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
  ])('lets paraphrases through: %s / %s', (a, b) => {
    expect(nearMissReason(a, b)).toBeNull();
  });
});
