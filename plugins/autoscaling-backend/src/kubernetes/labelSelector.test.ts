import {
  matchesRequirements,
  parseLabelSelector,
  parseLabelSelectorCached,
} from './labelSelector';

describe('label selectors', () => {
  it('parses the set-based and equality forms and matches them as the API server does', () => {
    const requirements = parseLabelSelector(
      'app=web,tier!=cache,env in (prod, qa),!legacy',
    );
    expect(requirements.map(r => r.operator)).toEqual([
      'Equals',
      'NotEquals',
      'In',
      'DoesNotExist',
    ]);
    expect(matchesRequirements(requirements, { app: 'web', env: 'qa' })).toBe(
      true,
    );
    expect(matchesRequirements(requirements, { app: 'web', env: 'dev' })).toBe(
      false,
    );
    expect(
      matchesRequirements(requirements, {
        app: 'web',
        env: 'prod',
        legacy: 'yes',
      }),
    ).toBe(false);
  });

  it('remembers a parsed selector, and refuses an invalid one on every call', () => {
    const first = parseLabelSelectorCached('app=web');
    expect(parseLabelSelectorCached('app=web')).toBe(first);
    expect(first).toEqual(parseLabelSelector('app=web'));
    for (let i = 0; i < 2; i++) {
      expect(() => parseLabelSelectorCached('app=web,=x')).toThrow(
        'labelSelector "app=web,=x"',
      );
    }
  });
});
