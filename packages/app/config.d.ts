export interface Config {
  app?: {
    /** Development sign-in: users a person may act as. */
    demoSignIn?: {
      /** @visibility frontend */
      users?: Array<{
        /** @visibility frontend */
        name: string;
        /** @visibility frontend */
        role: string;
      }>;
    };
  };
}
